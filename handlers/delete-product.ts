// Lambda entry point for deleteProduct (API Gateway proxy integration).
import { apiHandler } from '../src/api/http.js';
import { deleteProduct } from '../src/api/routes.js';

export const handler = apiHandler(deleteProduct);
