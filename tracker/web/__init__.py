"""Web application: feeds, public pages and the staff dashboard."""
