// CloudFront's list calls page with a marker. The SDK ships paginators for most of them
// (paginateListDistributions, paginateListOriginAccessControls); for those it does not
// (ListResponseHeadersPolicies), this walks the pages the same way: `for await` over pages.

/** Every page `send` answers, from the first to the one without a next marker. */
export async function* markerPages<P>(
  send: (marker: string | undefined) => Promise<P>,
  nextMarker: (page: P) => string | undefined,
): AsyncGenerator<P> {
  let marker: string | undefined;
  do {
    const page = await send(marker);
    yield page;
    marker = nextMarker(page);
  } while (marker);
}
