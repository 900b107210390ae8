// The five API functions of the design document. Everything per-function (names,
// routes, least-privilege DynamoDB actions) is read from this one table.

export type TableAccess = 'table' | 'index';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API path, relative to the stage. */
  path: '/products' | '/products/{product_id}';
  /** Writes require the admin credential (checked by the authorizer function). */
  protected: boolean;
}

export interface FunctionSpec {
  /** Kebab-case id, used in resource names and as the handler file name under handlers/. */
  id: string;
  /** The design document's name for the function. */
  seedName: string;
  /** The API route it serves; null for the authorizer. */
  route: Route | null;
  /** DynamoDB actions this function may call, and on what. Nothing else is granted. */
  dynamodb: { actions: string[]; on: TableAccess[] };
  /** May read (decrypt) the admin token parameter: the authorizer only. */
  readsAdminToken: boolean;
}

const api = (method: Route['method'], path: Route['path'], isProtected: boolean): Route => ({
  method,
  path,
  protected: isProtected,
});
const none = { actions: [], on: [] };

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    id: 'get-products',
    seedName: 'GetProducts',
    route: api('GET', '/products', false),
    dynamodb: { actions: ['dynamodb:Query', 'dynamodb:Scan'], on: ['table', 'index'] },
    readsAdminToken: false,
  },
  {
    id: 'get-product-by-id',
    seedName: 'GetProductById',
    route: api('GET', '/products/{product_id}', false),
    dynamodb: { actions: ['dynamodb:GetItem'], on: ['table'] },
    readsAdminToken: false,
  },
  {
    id: 'create-product',
    seedName: 'CreateProduct',
    route: api('POST', '/products', true),
    // The product's Put and its history item's Update, one transaction (a transaction's items are
    // authorized by their own actions: "Using IAM with DynamoDB transactions").
    dynamodb: { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], on: ['table'] },
    readsAdminToken: false,
  },
  {
    id: 'update-product',
    seedName: 'UpdateProduct',
    route: api('PUT', '/products/{product_id}', true),
    // Reads the product and its history, then updates both in one transaction.
    dynamodb: { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], on: ['table'] },
    readsAdminToken: false,
  },
  {
    id: 'delete-product',
    seedName: 'DeleteProduct',
    route: api('DELETE', '/products/{product_id}', true),
    // Reads the product (the answer names it) and its history, deletes it and updates its history in one transaction.
    dynamodb: { actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'], on: ['table'] },
    readsAdminToken: false,
  },
  { id: 'authorizer', seedName: 'AdminAuthorizer', route: null, dynamodb: none, readsAdminToken: true },
];
