/**
 * How every training curve is drawn, in the lesson figures, the live charts and the stored plots: the lesson's own
 * matplotlib convention, `plt.plot(epochs, acc, 'ro')` for training (red dots) and `plt.plot(epochs, val_acc, 'b')`
 * for validation (a blue line).
 */
export const CURVE_STYLE = {
  training: { label: 'Training', color: '#ff0000', marker: 'dots' },
  validation: { label: 'Validation', color: '#0000ff', marker: 'line' },
} as const satisfies Record<string, { label: string; color: string; marker: 'dots' | 'line' }>;

export type TCurveRole = keyof typeof CURVE_STYLE;
