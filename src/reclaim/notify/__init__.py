"""Telling a young person there is news about their report, by email, when they asked for it."""
