// The five API functions of the design document. Everything per-function (names,
// routes, least-privilege DynamoDB actions) is read from this one table.

export type TableAccess = 'table' | 'index';

export interface FunctionSpec {
  /** Kebab-case id, used in resource names and as the handler file name under handlers/. */
  id: string;
  /** The design document's name for the function. */
  seedName: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API path, relative to the stage. */
  path: '/products' | '/products/{product_id}';
  /** DynamoDB actions this function may call, and on what. Nothing else is granted. */
  dynamodb: { actions: string[]; on: TableAccess[] };
  /** Writes require the admin credential. */
  protected: boolean;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  { id: 'get-products', seedName: 'GetProducts', method: 'GET', path: '/products', dynamodb: { actions: ['dynamodb:Query', 'dynamodb:Scan'], on: ['table', 'index'] }, protected: false },
  { id: 'get-product-by-id', seedName: 'GetProductById', method: 'GET', path: '/products/{product_id}', dynamodb: { actions: ['dynamodb:GetItem'], on: ['table'] }, protected: false },
  { id: 'create-product', seedName: 'CreateProduct', method: 'POST', path: '/products', dynamodb: { actions: ['dynamodb:PutItem'], on: ['table'] }, protected: true },
  { id: 'update-product', seedName: 'UpdateProduct', method: 'PUT', path: '/products/{product_id}', dynamodb: { actions: ['dynamodb:UpdateItem'], on: ['table'] }, protected: true },
  { id: 'delete-product', seedName: 'DeleteProduct', method: 'DELETE', path: '/products/{product_id}', dynamodb: { actions: ['dynamodb:DeleteItem'], on: ['table'] }, protected: true },
];
