"""The JSON API, `/healthz`, `/metrics` and the event stream are answered outside NiceGUI's page middleware, by
the outer app NiceGUI is mounted in (server/outer.py), and still get security headers, gzip, the body-size limit."""

import httpx

from tests.servers import AppServer

API_PATHS = ['/api/products', '/api/products/1', '/healthz', '/metrics', '/api/products/999999']


def test_regression_cookieless_api_requests_leave_no_session_behind(shop: AppServer) -> None:
    """NiceGUI's request tracking gave every request without a cookie a new session (the cookie) and a user
    storage, which it never prunes: an API client without a cookie jar piled them up in the server."""
    for path in API_PATHS:
        response = httpx.get(f'{shop.url}{path}', timeout=10)
        assert 'set-cookie' not in response.headers, path
        assert response.headers['x-content-type-options'] == 'nosniff', path
    assert 'set-cookie' in httpx.get(f'{shop.url}/', timeout=10).headers  # pages still get their session


def test_api_responses_are_still_compressed(shop: AppServer) -> None:
    response = httpx.get(f'{shop.url}/api/products', headers={'Accept-Encoding': 'gzip'}, timeout=10)
    assert response.headers['content-encoding'] == 'gzip'
    assert response.json()['items']


def test_unknown_api_paths_get_a_json_404(shop: AppServer) -> None:
    response = httpx.get(f'{shop.url}/api/nothing-here', timeout=10)
    assert response.status_code == 404
    assert response.json() == {'detail': 'Not Found'}


def test_a_method_an_api_route_does_not_answer_gets_a_json_405_not_a_page(shop: AppServer) -> None:
    """NiceGUI is mounted at `/` after the API's routes; the API's paths must not fall through to it."""
    response = httpx.post(f'{shop.url}/api/products', timeout=10)
    assert response.status_code == 405
    assert response.headers['allow'] == 'GET'
    assert response.json() == {'detail': 'Method Not Allowed'}
    assert 'set-cookie' not in response.headers
