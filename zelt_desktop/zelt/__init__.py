"""The Zelt API: HTTP session, client, employee records, export. No Qt."""
