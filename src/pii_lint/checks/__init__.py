"""One module per rule: each turns the project graph into findings of its code."""
