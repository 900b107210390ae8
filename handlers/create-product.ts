// Lambda entry point for createProduct (API Gateway proxy integration).
import { apiHandler } from '../runtime/api/http.js';
import { createProduct } from '../runtime/api/routes.js';

export const handler = apiHandler(createProduct);
