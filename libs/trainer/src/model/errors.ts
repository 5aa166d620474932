/** The spec asks for something the trainer cannot build (a bug in the checker, or an unsupported combination). */
export class TrainerSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerSpecError';
  }
}

/**
 * Training produced a non-finite loss: the submitted model's problem (learning rate too high, bad loss/activation
 * pairing...), reported to the student rather than as a grader failure.
 */
export class NonFiniteLossError extends Error {
  readonly kind = 'model-problem' as const;
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(
      `the loss became ${Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity'} at epoch ${epoch}, batch ${batch}: ` +
        'the model diverged (try a lower learning rate, or check that the last layer and the loss fit together)',
    );
    this.name = 'NonFiniteLossError';
  }
}

export class TrainingCancelledError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(`training was cancelled at epoch ${epoch}, batch ${batch}`);
    this.name = 'TrainingCancelledError';
  }
}
