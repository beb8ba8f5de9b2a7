"""Services: plain classes that hold the registry's rules, one concern each."""
