from admin.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_waits_after_too_many_failures_until_the_window_passes() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window=60, clock=clock)
    for _attempt in range(3):
        assert throttle.retry_after('10.0.0.1') == 0
        throttle.failed('10.0.0.1')
        clock.now += 1
    assert throttle.retry_after('10.0.0.1') == 57  # the first failure, at 1000, leaves the window at 1060
    assert throttle.retry_after('10.0.0.2') == 0  # per client
    clock.now += 57
    assert throttle.retry_after('10.0.0.1') == 0


def test_success_forgets_the_failures() -> None:
    throttle = LoginThrottle(attempts=2, window=60, clock=Clock())
    throttle.failed('a')
    throttle.succeeded('a')
    throttle.failed('a')
    assert throttle.retry_after('a') == 0
