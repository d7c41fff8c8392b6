import asyncio

import pytest

from testkit.waiting import eventually, eventually_async


def test_eventually_returns_the_first_truthy_answer() -> None:
    answers = iter([0, None, 'ready'])
    assert eventually(lambda: next(answers), 5) == 'ready'


def test_eventually_describes_the_state_at_the_deadline() -> None:
    looks: list[int] = []
    with pytest.raises(TimeoutError, match=r'not within 0\.1 s: still closed after [2-9] looks'):
        eventually(lambda: looks.append(1), 0.1, what=lambda: f'still closed after {len(looks)} looks')


def test_an_error_in_the_condition_ends_the_wait_at_once() -> None:
    def broken() -> bool:
        raise RuntimeError('the app exited')

    with pytest.raises(RuntimeError, match='the app exited'):
        eventually(broken, 60)


async def test_eventually_async_awaits_a_coroutine_condition() -> None:
    answers = iter([False, True])

    async def ready() -> bool:
        return next(answers)

    assert await eventually_async(ready, 5) is True


async def test_eventually_async_lets_the_event_loop_run_between_looks() -> None:
    done: list[int] = []
    asyncio.get_running_loop().call_soon(done.append, 1)
    assert await eventually_async(lambda: done, 5) == [1]
    with pytest.raises(TimeoutError, match='never'):
        await eventually_async(lambda: False, 0.1, what='never')
