/** The message a student sees for an infrastructure failure. */
export function notYourFault(detail: string): string {
  return `Grading failed because of a problem on Epoch's side, not your fault (${detail}). This attempt does not count against your quota; you can submit again.`;
}
