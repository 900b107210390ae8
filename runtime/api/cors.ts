// The CORS headers the handlers send and the API's preflight answers: one definition.
export const CORS_ALLOW_HEADERS = 'Content-Type,Authorization,If-Match';
export const CORS_ALLOW_METHODS = 'GET,POST,PUT,DELETE,OPTIONS';
