"""Real servers for tests: `testkit.process.AppProcess` with the suite's admin token and HTTP clients."""

import os

import httpx

from testkit.process import ROOT, AppProcess, free_port

__all__ = ['ROOT', 'AppServer', 'free_port']


class AppServer(AppProcess):
    @property
    def token(self) -> str:
        return self.env.get('STOREFRONT_ADMIN_TOKEN') or os.environ['STOREFRONT_ADMIN_TOKEN']

    def admin(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={'Authorization': f'Bearer {self.token}'}, timeout=timeout)

    def client(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)
