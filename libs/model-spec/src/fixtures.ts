/**
 * The lesson's three models with the code around them (fixtures/*.py), for tests and `./epoch bench check`.
 * A separate entry point (`@epoch/model-spec/fixtures`) so browser bundles of the library never reference them.
 */
export const LESSON_FIXTURES = {
  denseNetwork: new URL('../fixtures/dense-network.py', import.meta.url),
  firstCnn: new URL('../fixtures/first-cnn.py', import.meta.url),
  model3: new URL('../fixtures/model3.py', import.meta.url),
} as const;
export type TLessonFixture = keyof typeof LESSON_FIXTURES;
