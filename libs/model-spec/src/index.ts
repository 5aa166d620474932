export { checkSource, type TCheckOptions, type TCheckReport, type TSummaryRow } from './check-source';
export { formatDiagnostic, formatReport, formatSummaryTable } from './summary-format';
export { canonicalForm, canonicalHash, canonicalJson, isAutoLayerName } from './canonical';
export { sha256Hex } from './sha256';
export { benchCheck, makeLargeSource, type TBenchResult } from './bench';
export { SUPPORTED_LAYERS } from './keras-symbols';
export { inferShapes, type TShapeResult } from './shape-inference';
export { forwardMacs, modelCost, optimizerSlots, specShapes, type TModelCost } from './model-cost';
export {
  bytes,
  checkModelRules,
  layerLabel,
  outputActivation,
  si,
  type TRuleSite,
  type TRuleViolation,
  type TRulesCheckOptions,
  type TRulesCheckResult,
  type TRulesSubject,
} from './rules-check';
