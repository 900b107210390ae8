// The five routes. Each handler file under handlers/ exposes one of them.
import { LIMITS, textProblem, validateCreate, validatePatch, validateProductId } from '../catalog/product.js';
import { withoutWriter } from '../catalog/repository.js';
import { HttpError, validationError, type Reply, type Request } from './http.js';
import { intParam, repository } from './runtime.js';

function productId(req: Request): string {
  const id = req.param('product_id');
  const problems = validateProductId(id);
  if (problems.length > 0) throw validationError(problems);
  return id as string;
}

const etag = (version: number): Record<string, string> => ({ ETag: `"${version}"` });

/**
 * Who writes, for `updated_by` and the history: the authorizer's `context.actor` (the machine token's
 * `machine-token`, or a signed-in user). A write route without one is a deployment fault, never anonymous.
 */
function writer(req: Request): { actor: string } {
  const actor = req.actor();
  if (!actor) throw new Error('the authorizer gave no actor for a write route');
  return { actor };
}

export async function getProducts(req: Request): Promise<Reply> {
  const limit = intParam(req.query('limit'), 'limit', 1, 100, 20);
  const category = req.query('category');
  const categoryProblem = category === undefined ? undefined : textProblem(category, LIMITS.category);
  if (categoryProblem) {
    throw validationError([{ field: 'category', message: categoryProblem }]);
  }
  const cursor = req.query('cursor');
  const page = await repository().list({
    limit,
    ...(cursor ? { cursor } : {}),
    ...(category !== undefined ? { category } : {}),
  });
  const items = page.items.map(withoutWriter);
  return { status: 200, body: { items, count: items.length, cursor: page.cursor } };
}

export async function getProductById(req: Request): Promise<Reply> {
  const product = await repository().get(productId(req));
  return { status: 200, body: withoutWriter(product), headers: etag(product.version) };
}

export async function createProduct(req: Request): Promise<Reply> {
  const input = validateCreate(req.json());
  if (!input.ok) throw validationError(input.problems);
  const product = await repository().create(input.value, writer(req));
  return {
    status: 201,
    body: withoutWriter(product),
    headers: { ...etag(product.version), Location: `/products/${product.product_id}` },
  };
}

/** The version the caller read: `version` in the body, else If-Match ("3" or 3). */
function expectedVersion(req: Request, fromBody: number | undefined): number {
  const ifMatch = req.header('if-match')?.trim();
  const fromHeader = ifMatch === undefined ? undefined : /^(W\/)?"?(\d{1,9})"?$/.exec(ifMatch)?.[2];
  if (ifMatch !== undefined && fromHeader === undefined)
    throw validationError([{ field: 'If-Match', message: 'must be the product version, e.g. "3"' }]);
  const header = fromHeader === undefined ? undefined : Number(fromHeader);
  if (fromBody !== undefined && header !== undefined && fromBody !== header)
    throw validationError([{ field: 'version', message: 'differs from the If-Match header' }]);
  const version = fromBody ?? header;
  if (version === undefined)
    throw new HttpError(
      400,
      'version_required',
      'Send the version you read (body field "version" or an If-Match header) so a concurrent change is not overwritten.',
      [{ field: 'version', message: 'is required' }],
    );
  return version;
}

export async function updateProduct(req: Request): Promise<Reply> {
  const id = productId(req);
  const body = validatePatch(req.json());
  if (!body.ok) throw validationError(body.problems);
  const product = await repository().update(
    id,
    body.value.patch,
    expectedVersion(req, body.value.version),
    writer(req),
  );
  return { status: 200, body: withoutWriter(product), headers: etag(product.version) };
}

export async function deleteProduct(req: Request): Promise<Reply> {
  const deleted = await repository().delete(productId(req), writer(req));
  return { status: 200, body: { deleted: deleted.product_id } };
}
