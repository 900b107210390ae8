// Lambda entry point for getProductById (API Gateway proxy integration).
import { apiHandler } from '../runtime/api/http.js';
import { getProductById } from '../runtime/api/routes.js';

export const handler = apiHandler(getProductById);
