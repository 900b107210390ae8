// Lambda entry point for createProduct (API Gateway proxy integration).
import { apiHandler } from '../src/api/http.js';
import { createProduct } from '../src/api/routes.js';

export const handler = apiHandler(createProduct);
