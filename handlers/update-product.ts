// Lambda entry point for updateProduct (API Gateway proxy integration).
import { apiHandler } from '../runtime/api/http.js';
import { updateProduct } from '../runtime/api/routes.js';

export const handler = apiHandler(updateProduct);
