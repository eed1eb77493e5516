// Listing and removing the campaigns of a model file (`sieve campaigns`, sieve.campaigns()).

#include <algorithm>
#include <cstdio>

#include "sieve/adapt/campaign_adaptation.h"
#include "sieve/core/error.h"
#include "sieve/runtime/model.h"

namespace sieve::adapt {

std::string list_campaigns(const std::string& model) {
  const auto loaded = infer::Model::load(model);
  if (loaded->campaigns().empty()) return "no campaigns in " + model + "\n";
  std::string text = "name\thead\tposts\tpositives\tbackground\ttrained_at\n";
  for (const infer::CampaignModel& c : loaded->campaigns()) {
    const infer::CampaignInfo& i = c.info();
    text += i.name + "\t" + i.head + "\t" + std::to_string(i.posts) + "\t" + std::to_string(i.positives) +
            "\t" + std::to_string(i.background) + "\t" + i.trained_at + "\n";
  }
  return text;
}

void remove_campaign(const std::string& model, const std::string& name, const std::string& out) {
  const auto loaded = infer::Model::load(model);
  std::vector<infer::CampaignModel> kept;
  for (const infer::CampaignModel& c : loaded->campaigns()) {
    if (c.info().name != name) kept.push_back(c);
  }
  if (kept.size() == loaded->campaigns().size()) {
    throw Error(ErrorKind::kInvalidInput, model, "holds no campaign called '" + name + "'");
  }
  infer::write_with_campaigns(loaded->file(), kept, out);
}

}  // namespace sieve::adapt
