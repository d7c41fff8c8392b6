"""Bus backends, chosen by URL scheme; optional dependencies are imported only when their scheme is used."""

from urllib.parse import urlparse

from invalidation.backends.base import Backend


def create_backend(url: str, history_size: int) -> Backend:
    scheme = urlparse(url).scheme
    if scheme == 'memory':
        from invalidation.backends.memory import MemoryBackend

        return MemoryBackend(history_size)
    if scheme in {'redis', 'rediss'}:
        from invalidation.backends.redis import RedisBackend

        return RedisBackend(url, history_size)
    raise ValueError(f'unsupported bus URL {url!r}: use memory:// or redis://host:port/db')
