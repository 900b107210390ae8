// Lambda entry point for getProducts (API Gateway proxy integration).
import { apiHandler } from '../src/api/http.js';
import { getProducts } from '../src/api/routes.js';

export const handler = apiHandler(getProducts);
