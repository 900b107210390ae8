// The header CloudFront adds to every request it sends the API origin (api.edgeOnly): the distribution
// sets it (src/resources/distribution-config.ts), the handlers check it (edge.ts). One definition.
export const ORIGIN_HEADER = 'X-Origin-Verify';
