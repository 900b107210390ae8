// Lambda entry point for deleteProduct (API Gateway proxy integration).
import { apiHandler } from '../runtime/api/http.js';
import { deleteProduct } from '../runtime/api/routes.js';

export const handler = apiHandler(deleteProduct);
