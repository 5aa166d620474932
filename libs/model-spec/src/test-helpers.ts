import type { TModelRulesInput } from '@epoch/contracts';
import { checkSource, type TCheckReport } from './check-source';

/** A complete submission around some layers: Sequential, compile and fit, as in the lesson. */
export function withLayers(layers: string, extra = ''): string {
  return `model = Sequential([\n    ${layers}\n])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n${extra}history = model.fit(train_data, validation_data=validation_data, epochs=5)\n`;
}

export function check(source: string, rules?: TModelRulesInput): TCheckReport {
  return checkSource(source, rules ? { rules } : {});
}

/** Diagnostics of one code, for assertions on what was reported and where. */
export function diags(report: TCheckReport, code: string) {
  return report.diagnostics.filter((d) => d.code === code);
}
