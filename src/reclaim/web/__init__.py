"""The web application: public pages, staff pages and the JSON API."""
