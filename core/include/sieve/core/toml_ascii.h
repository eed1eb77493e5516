#pragma once
// The ASCII form of a TOML document, which is what the run configuration hands to toml++.
//
// toml++ 3.3 (Debian 12) reaches __builtin_unreachable in its test for non-ASCII white space on three
// ranges of code points (U+00A1 to U+0499, U+2C5E to U+3057 and U+FB26 to U+FEFE: gaps in its lookup
// table), and it makes that test wherever it looks for white space or for the end of a bare value, which
// can be past a quote. Rather than predicting where it looks, it is given ASCII only.

#include <string>
#include <string_view>

namespace sieve {

// Returns text with every non-ASCII character in a one-line basic string, a multi-line basic string or a
// comment written as a \uXXXX or \UXXXXXXXX escape, and every one-line literal string that holds one
// rewritten as the basic string of the same value, so that the document means what it meant. A leading
// byte-order mark is dropped. Anything else throws a format error "<where>:<line>: ...": a non-ASCII
// character outside strings and comments or in a multi-line literal string (which has no escapes), a
// backslash before a non-ASCII character, or bytes that are not UTF-8.
std::string toml_as_ascii(std::string_view text, const std::string& where);

}  // namespace sieve
