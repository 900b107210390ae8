// Lambda entry point for getProductById (API Gateway proxy integration).
import { apiHandler } from '../src/api/http.js';
import { getProductById } from '../src/api/routes.js';

export const handler = apiHandler(getProductById);
