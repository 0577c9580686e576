"""The training module's views, grouped by use: census, sessions, office_hours, support (and home)."""
