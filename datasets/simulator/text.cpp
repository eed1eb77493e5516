// The campaign simulator's text shared by every language: the banks by language, look-alikes, emoji, handles.

#include "text.h"

namespace sieve::datasets::simulator_text {

const LanguageText& language_text(Lang lang) {
  static const std::array<LanguageText, kLangCount> texts = {english(), french(), chinese()};
  return texts[lang];
}

const std::vector<Rewrite>& cyrillic_lookalikes() {
  static const std::vector<Rewrite> letters = {
      {"a", "а"}, {"c", "с"}, {"e", "е"}, {"o", "о"}, {"p", "р"}, {"x", "х"}, {"y", "у"},
      {"i", "і"}, {"s", "ѕ"}, {"j", "ј"}, {"A", "А"}, {"B", "В"}, {"C", "С"}, {"E", "Е"},
      {"H", "Н"}, {"K", "К"}, {"M", "М"}, {"O", "О"}, {"P", "Р"}, {"T", "Т"}, {"X", "Х"}};
  return letters;
}

const Phrases& organic_emoji() {
  static const Phrases emoji = {"😂",       "😅", "☕",    "❄️", "🍁",    "🏒", "👍",  "❤️", "🙏",
                                "🌧️", "😭", "🤔", "🎉",      "🥶", "🙃", "🇨🇦", "🔥"};
  return emoji;
}

const Phrases& campaign_emoji() {
  static const Phrases emoji = {"😡", "🤬", "💰", "‼️", "🇨🇦", "👇", "🔥", "⚠️", "🚨", "👀"};
  return emoji;
}

const Phrases& user_handles() {
  static const Phrases handles = {
      "maple_mike88",    "sk8rgirl_gullwick", "bookworm_ana",   "northern_dad",
      "cafe_au_lait_qc", "lily_in_marrowbay", "ptit_loup_42",   "hoser_hank",
      "xiao_yu_ca",      "amelie_pqc",        "tamsworth_tom",  "frozen_fingers",
      "lac_lover",       "chen_eats",         "dumpling_queen", "val_corbeau_vibes"};
  return handles;
}

}  // namespace sieve::datasets::simulator_text
