// Lambda entry point for getProducts (API Gateway proxy integration).
import { apiHandler } from '../runtime/api/http.js';
import { getProducts } from '../runtime/api/routes.js';

export const handler = apiHandler(getProducts);
