"""Reading incoming support e-mail: parsing, charsets, HTML bodies and quoted history."""
