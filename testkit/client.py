"""The admin client of a test storefront: its JSON API with the admin token, and the moves tests make most.

Answers come back as the API's own models (`ProductPublic`, `VariantPublic`, `OrderPublic`); a refusal raises
`httpx.HTTPStatusError` carrying the response, whose JSON `detail` says why.
"""

import itertools
from typing import Any

import httpx

from models.order_tables import OrderPublic
from models.tables import ProductPublic, VariantPublic

CUSTOMER = {'name': 'Test Shopper', 'email': 'shopper@example.com', 'address': '1 Test Street\nTestville'}
_skus = itertools.count(1)


class AdminClient:
    def __init__(self, url: str, token: str, timeout: float = 10) -> None:
        self.http = httpx.Client(base_url=url, headers={'Authorization': f'Bearer {token}'}, timeout=timeout)

    def create_product(
        self,
        name: str,
        *,
        category: str,
        price: int = 1_000,
        stock: int = 5,
        variants: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> ProductPublic:
        """A product in an existing category; one variant 'Standard' at `price` cents with `stock` units unless
        `variants` (bodies of `VariantCreate`) are given."""
        if variants is None:
            variants = [{'sku': f'TEST-{next(_skus)}', 'name': 'Standard', 'price': price, 'stock_on_hand': stock}]
        body = {'name': name, 'category': category, 'variants': variants, **fields}
        return ProductPublic.model_validate(self._ok(self.http.post('/api/admin/products', json=body)))

    def product(self, product_id: int) -> ProductPublic:
        """As the shop has it now (404 for a disabled or deleted product)."""
        return ProductPublic.model_validate(self._ok(self.http.get(f'/api/products/{product_id}')))

    def product_named(self, name: str) -> ProductPublic:
        """The one enabled product called exactly `name`."""
        page = self._ok(self.http.get('/api/products', params={'q': name, 'page_size': 100}))
        found = [product for product in page['items'] if product['name'] == name]
        if len(found) != 1:
            raise LookupError(f'{len(found)} products are called {name!r}')
        return ProductPublic.model_validate(found[0])

    def update_product(self, product_id: int, **changes: Any) -> ProductPublic:
        """Changes a product's own fields (name, slug, description, category, enabled) at its current version."""
        body = {**changes, 'version': self.product(product_id).version}
        return ProductPublic.model_validate(self._ok(self.http.patch(f'/api/admin/products/{product_id}', json=body)))

    def delete_product(self, product_id: int) -> None:
        self._ok(self.http.delete(f'/api/admin/products/{product_id}'))

    def set_stock(self, variant_id: int, quantity: int, *, reason: str = 'test') -> VariantPublic:
        body = {'set': quantity, 'reason': reason}
        return VariantPublic.model_validate(
            self._ok(self.http.post(f'/api/admin/variants/{variant_id}/stock', json=body))
        )

    def sell_out(self, product: ProductPublic) -> ProductPublic:
        """Every variant of `product` to zero stock: its card turns "sold out"."""
        for variant in product.variants:
            self.set_stock(variant.id, 0)
        return self.product(product.id)

    def set_price(self, variant_id: int, cents: int, *, version: int | None = None) -> ProductPublic:
        """`PATCH /api/admin/variants/{id}`; with the product's `version` as read, a 409 if it changed since."""
        body = {'version': version, 'price': cents}
        return ProductPublic.model_validate(self._ok(self.http.patch(f'/api/admin/variants/{variant_id}', json=body)))

    def place_order(self, *lines: tuple[int, int], **customer: str) -> OrderPublic:
        """`POST /api/checkout` with `(variant_id, quantity)` lines and a valid customer (or the fields given);
        a 409 means some line fell short and nothing was ordered."""
        body = {'lines': [{'variant_id': v, 'quantity': q} for v, q in lines], 'customer': {**CUSTOMER, **customer}}
        return OrderPublic.model_validate(self._ok(self.http.post('/api/checkout', json=body)))

    def close(self) -> None:
        self.http.close()

    @staticmethod
    def _ok(response: httpx.Response) -> Any:
        if response.is_error:
            request = response.request
            raise httpx.HTTPStatusError(
                f'{request.method} {request.url.path} answered {response.status_code}: {response.text[:2_000]}',
                request=request,
                response=response,
            )
        return response.json() if response.content else None
