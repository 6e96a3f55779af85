"""Staff accounts: organisations, users and roles, passwords, two-factor codes and sessions."""
