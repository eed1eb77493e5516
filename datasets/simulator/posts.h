#pragma once
// Private to datasets/: the campaign simulator's post writers and the traits of the accounts they write for.

#include <cstdint>
#include <string>
#include <string_view>

#include "rng.h"
#include "text.h"

namespace sieve::datasets::simulator_engine {

namespace text = simulator_text;
using text::Lang;

// How an account writes: as typed, machine-translated, LLM-written, or as a learner of the language.
enum class Style { kPlain, kMachine, kLlm, kNonnative };

// Who writes a post, and how; make_account() in simulator.cpp derives it from the seed and a key.
struct Account {
  std::string group;
  Lang lang = text::kEn;
  Style style = Style::kPlain;
  std::string_view source;
  int style_pct = 0;  // share of its posts written in its style
  int abuse_pct = 0;  // organic: share of its posts that insult someone
  int typo_pct = 0;
  int emoji_pct = 0;
  int obfuscate_pct = 0;      // campaign: share of its posts disguised against filters
  bool traditional = false;   // organic Chinese: writes Traditional characters throughout
  bool half_width = false;    // Chinese: types ASCII punctuation
  bool mixes_script = false;  // campaign Chinese: Traditional characters, Latin words and both
                              // punctuations mixed into Simplified text, as dodging accounts do
};

// A written post and what was done to it, from which the record's labels follow.
struct Post {
  std::string text;
  bool machine = false, nonnative = false, abusive = false, obfuscated = false;
  int template_index = -1;
};

// A campaign post: a template with its slots filled, paraphrase noise, the account's style, script mixing
// and filter dodging, then the usual decorations.
Post write_campaign_post(std::uint64_t seed, int campaign, const Account& a, Rng& rng);

// An organic post: everyday life, civil opinion on either side, a reply to a politician, or an insult.
Post write_organic_post(const Account& a, Rng& rng);

}  // namespace sieve::datasets::simulator_engine
