// @epoch/lti: the LTI 1.3 protocol as pure functions over jose (claims, launch validation, Deep Linking, keys).
export { AGS_SCOPES, courseRoleOf, LTI, NRPS_SCOPE, ZLaunchMessage, type TDeepLinkingLaunch, type TLaunchMessage, type TResourceLinkLaunch } from './claims';
export { LtiLaunchError, platformJwks, verifyLaunch, type TLaunchExpectation } from './launch';
export { deepLinkingResponse, type TDeepLinkItem } from './deep-linking';
export { generateToolKey, publicJwks, signingKey, TOOL_KEY_ALG, type TToolKey } from './keys';
export {
  AGS_GRADE_SCOPES,
  fetchMembers,
  findOrCreateLineItem,
  LtiServiceError,
  postScore,
  scoreMessage,
  scoresUrl,
  serviceToken,
  type TMember,
} from './services';
