// Lambda entry point for updateProduct (API Gateway proxy integration).
import { apiHandler } from '../src/api/http.js';
import { updateProduct } from '../src/api/routes.js';

export const handler = apiHandler(updateProduct);
