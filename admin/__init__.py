"""Sign-in, admin pages and the admin JSON API."""
