import { z } from 'zod';

/** The LTI 1.3 claim names (IMS LTI Core 1.3, Deep Linking 2.0, AGS 2.0, NRPS 2.0). */
export const LTI = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  data: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
} as const;

export const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  result: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';

const ZContext = z.object({ id: z.string().min(1).max(255), label: z.string().optional(), title: z.string().optional() }).loose();

/** The claims every launch message carries (LTI Core §5.3), whatever its type. */
const ZCommon = z
  .object({
    iss: z.string().min(1),
    sub: z.string().min(1).max(255),
    aud: z.union([z.string(), z.array(z.string()).min(1)]),
    azp: z.string().optional(),
    nonce: z.string().min(1),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
    name: z.string().optional(),
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    [LTI.version]: z.literal('1.3.0', { message: 'the LTI version must be 1.3.0' }),
    [LTI.deploymentId]: z.string().min(1).max(255),
    [LTI.roles]: z.array(z.string()),
    [LTI.context]: ZContext.optional(),
    [LTI.custom]: z.record(z.string(), z.unknown()).optional(),
    [LTI.ags]: z
      .object({ scope: z.array(z.string()).default([]), lineitems: z.string().optional(), lineitem: z.string().optional() })
      .loose()
      .optional(),
    [LTI.nrps]: z
      .object({ context_memberships_url: z.string(), service_versions: z.array(z.string()).optional() })
      .loose()
      .optional(),
  })
  .loose();

export const ZResourceLinkLaunch = ZCommon.extend({
  [LTI.messageType]: z.literal('LtiResourceLinkRequest'),
  [LTI.targetLinkUri]: z.string().min(1),
  [LTI.resourceLink]: z.object({ id: z.string().min(1).max(255), title: z.string().optional(), description: z.string().optional() }).loose(),
});

export const ZDeepLinkingLaunch = ZCommon.extend({
  [LTI.messageType]: z.literal('LtiDeepLinkingRequest'),
  [LTI.deepLinkingSettings]: z
    .object({
      deep_link_return_url: z.string().min(1),
      accept_types: z.array(z.string()),
      accept_presentation_document_targets: z.array(z.string()).optional(),
      accept_multiple: z.boolean().optional(),
      data: z.string().optional(),
    })
    .loose(),
});

export const ZLaunchMessage = z.discriminatedUnion(LTI.messageType, [ZResourceLinkLaunch, ZDeepLinkingLaunch]);
export type TLaunchMessage = z.infer<typeof ZLaunchMessage>;
export type TResourceLinkLaunch = z.infer<typeof ZResourceLinkLaunch>;
export type TDeepLinkingLaunch = z.infer<typeof ZDeepLinkingLaunch>;

/** Context roles that make someone course staff in Epoch (LIS vocabulary, full URIs and the short forms some LMSs send). */
const STAFF_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  'Instructor',
  'ContentDeveloper',
  'TeachingAssistant',
];

/** An LMS user's Epoch course role: instructors, teaching assistants, content developers and administrators are staff. */
export function courseRoleOf(roles: readonly string[]): 'INSTRUCTOR' | 'STUDENT' {
  return roles.some((r) => STAFF_ROLES.includes(r)) ? 'INSTRUCTOR' : 'STUDENT';
}
