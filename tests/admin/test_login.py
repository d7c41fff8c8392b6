from nicegui.testing import User

from tests.admin.conftest import PASSWORD, sign_in, signed_in


async def test_admin_pages_redirect_to_login_when_signed_out(user: User) -> None:
    response = await user.http_client.get('/admin/products/1')
    assert response.status_code in {302, 307}
    assert response.headers['location'] == '/login?redirect_to=/admin/products/1'
    await user.open('/admin')
    await user.should_see(marker='login-user')
    await user.should_not_see(marker='sign-out')


async def test_sign_in_returns_to_the_page_asked_for(user: User) -> None:
    await sign_in(user, path='/login?redirect_to=/admin/products/new')
    await user.should_see('New product', retries=30)
    await user.should_see(marker='create-product')


async def test_wrong_password_is_refused(user: User) -> None:
    await sign_in(user, 'not the password')
    await user.should_see('Wrong user name or password.')
    response = await user.http_client.get('/admin')
    assert response.status_code in {302, 307}


async def test_redirect_target_outside_the_admin_is_ignored(user: User) -> None:
    await sign_in(user, path='/login?redirect_to=//evil.example/admin')
    await user.should_see(marker='product-count', retries=30)


async def test_sign_out_ends_the_session(user: User) -> None:
    await signed_in(user)
    user.find(marker='sign-out').click()
    await user.should_see(marker='login-user', retries=30)
    response = await user.http_client.get('/admin')
    assert response.status_code in {302, 307}


async def test_repeated_failures_are_throttled_even_for_the_right_password(user: User) -> None:
    for _attempt in range(5):
        await sign_in(user, 'guess')
        await user.should_see('Wrong user name or password.')
    await sign_in(user, PASSWORD)
    await user.should_see('Too many failed attempts')
    response = await user.http_client.get('/admin')
    assert response.status_code in {302, 307}
