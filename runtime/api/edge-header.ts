// The header CloudFront adds to every request it sends the API origin (api.edgeOnly): the distribution
// sets it (src/resources/distribution-config.ts), the handlers check it (edge.ts). One definition.
export const ORIGIN_HEADER = 'X-Origin-Verify';

/**
 * In the origin secret's parameter, after the secret: not enforced yet. `up` creates the secret before the
 * distribution that sends it; the API stays open until the distribution sends it (it then drops this),
 * so an account where CloudFront cannot be created yet keeps a reachable API.
 */
export const OPEN = '*';
