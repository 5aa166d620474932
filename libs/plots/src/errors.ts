/** Thrown for inputs that cannot be plotted; `argument` names the offending argument (e.g. `images`, `actual[3]`). */
export class PlotInputError extends Error {
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super(`Invalid plot input "${argument}": ${problem}`);
    this.name = 'PlotInputError';
    this.argument = argument;
  }
}
