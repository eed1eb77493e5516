#include "sieve/runtime/campaign_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/strict_json.h"

namespace sieve::infer {
namespace {

// Sum of rows[id] over ids[begin, end), times campaign_block_weight of their count.
float block_sum(const std::vector<float>& rows, const std::uint32_t* ids, std::size_t begin,
                std::size_t end) {
  if (end <= begin) return 0;
  float sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += rows[ids[i]];
  return sum * campaign_block_weight(end - begin);
}

std::string tensor_name(std::size_t index, const char* part) {
  return "campaign." + std::to_string(index) + "." + part;
}

void check_finite(const std::vector<float>& values, const std::string& where, const std::string& name) {
  for (const float v : values) {
    if (!std::isfinite(v))
      throw Error(ErrorKind::kFormat, where, "campaign '" + name + "': a value is not finite");
  }
}

// Every campaign.<k>.* tensor must belong to one of the `count` listed campaigns: a file whose list and
// tensors disagree was not written by write_with_campaigns().
void check_campaign_tensors(const ModelFile& file, std::size_t count, const std::string& where) {
  static constexpr std::string_view kPrefix = "campaign.";
  for (const Tensor& t : file.tensors()) {
    if (t.name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const char* begin = t.name.data() + kPrefix.size();
    const char* end = t.name.data() + t.name.size();
    std::size_t index = 0;
    const auto [at, error] = std::from_chars(begin, end, index);
    if (error != std::errc() || at == end || *at != '.' || index >= count) {
      throw Error(ErrorKind::kFormat, where, "tensor '" + t.name + "' belongs to no listed campaign");
    }
  }
}

}  // namespace

CampaignModel::CampaignModel(CampaignInfo info, std::size_t table_size, std::size_t dense_width)
    : info_(std::move(info)),
      score_rows_(table_size, 0.0f),
      gate_rows_(table_size, 0.0f),
      dense_mean_(dense_width, 0.0f),
      dense_scale_(dense_width, 1.0f),
      score_dense_(dense_width, 0.0f),
      gate_dense_(dense_width, 0.0f) {}

float CampaignModel::linear(const std::vector<float>& rows, const std::vector<float>& dense_weights,
                            const CampaignPost& post) const {
  float sum = 0;
  std::size_t begin = 0;
  for (const std::size_t end : post.block_ends()) {
    sum += block_sum(rows, post.ids, begin, end);
    begin = end;
  }
  if (post.dense != nullptr) {
    for (std::size_t j = 0; j < dense_weights.size(); ++j) {
      sum += dense_weights[j] * (post.dense[j] - dense_mean_[j]) * dense_scale_[j];
    }
  }
  return sum;
}

float CampaignModel::logit(const CampaignPost& post, float base_logit) const {
  return linear(score_rows_, score_dense_, post) + base_weight * base_logit + score_bias;
}

float CampaignModel::gate(const CampaignPost& post) const {
  return std::clamp(0.5f + 0.5f * (linear(gate_rows_, gate_dense_, post) + gate_bias), 0.0f, 1.0f);
}

void CampaignModel::add_tensors(ModelFileWriter& writer, std::size_t index) const {
  const auto rows = static_cast<std::int64_t>(table_size());
  std::vector<float> both(score_rows_);
  both.insert(both.end(), gate_rows_.begin(), gate_rows_.end());
  writer.add_tensor(tensor_name(index, "rows"), DType::kF32, {2, rows}, both.data(),
                    both.size() * sizeof(float));
  if (dense_width() == 0) return;
  std::vector<float> dense(dense_mean_);
  for (const auto* part : {&dense_scale_, &score_dense_, &gate_dense_})
    dense.insert(dense.end(), part->begin(), part->end());
  writer.add_tensor(tensor_name(index, "dense"), DType::kF32, {4, static_cast<std::int64_t>(dense_width())},
                    dense.data(), dense.size() * sizeof(float));
}

std::string campaigns_json(const std::vector<CampaignModel>& campaigns) {
  JsonWriter w;
  w.begin_object().key("campaigns").begin_array();
  for (const CampaignModel& c : campaigns) {
    const CampaignInfo& i = c.info();
    w.begin_object().key("name").value(i.name).key("head").value(i.head);
    w.key("posts").value(static_cast<std::uint64_t>(i.posts));
    w.key("positives").value(static_cast<std::uint64_t>(i.positives));
    w.key("background").value(static_cast<std::uint64_t>(i.background));
    w.key("trained_at").value(i.trained_at).key("held_back").value(i.held_back_json);
    w.key("base_weight").value(static_cast<double>(c.base_weight));
    w.key("score_bias").value(static_cast<double>(c.score_bias));
    w.key("gate_bias").value(static_cast<double>(c.gate_bias));
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::vector<CampaignModel> read_campaigns(const ModelFile& file, std::size_t table_size,
                                          std::size_t dense_width) {
  std::vector<CampaignModel> campaigns;
  const std::string where = file.path() + ": campaigns";
  if (file.metadata().count(kCampaignsMetadataKey) == 0) {
    check_campaign_tensors(file, 0, where);
    return campaigns;
  }
  StrictJsonDocument document(file.metadata(kCampaignsMetadataKey), where);
  simdjson::dom::array list = document.root().get_array("campaigns");
  document.root().reject_unknown_keys();
  for (simdjson::dom::element element : list) {
    simdjson::dom::object object;
    if (element.get(object)) throw Error(ErrorKind::kFormat, where, "an entry that is not an object");
    StrictJsonObject entry(object, where, "campaigns[" + std::to_string(campaigns.size()) + "].");
    CampaignInfo info;
    info.name = entry.get_string("name");
    info.head = entry.get_string("head");
    info.posts = entry.get_uint("posts");
    info.positives = entry.get_uint("positives");
    info.background = entry.get_uint("background");
    info.trained_at = entry.get_string("trained_at");
    info.held_back_json = entry.get_string("held_back");
    if (info.positives > info.posts) entry.fail("positives", "more than its posts");
    CampaignModel& c = campaigns.emplace_back(std::move(info), table_size, dense_width);
    c.base_weight = static_cast<float>(entry.get_number("base_weight"));
    c.score_bias = static_cast<float>(entry.get_number("score_bias"));
    c.gate_bias = static_cast<float>(entry.get_number("gate_bias"));
    entry.reject_unknown_keys();

    const std::size_t index = campaigns.size() - 1;
    const float* rows = file.f32(tensor_name(index, "rows"), {2, static_cast<std::int64_t>(table_size)});
    c.score_rows().assign(rows, rows + table_size);
    c.gate_rows().assign(rows + table_size, rows + 2 * table_size);
    if (dense_width > 0) {
      const float* dense = file.f32(tensor_name(index, "dense"), {4, static_cast<std::int64_t>(dense_width)});
      for (auto* part : {&c.dense_mean(), &c.dense_scale(), &c.score_dense(), &c.gate_dense()}) {
        part->assign(dense, dense + dense_width);
        dense += dense_width;
      }
    }
    const std::string& name = c.info().name;
    for (auto* part : {&c.score_rows(), &c.gate_rows(), &c.dense_mean(), &c.dense_scale(), &c.score_dense(),
                       &c.gate_dense()}) {
      check_finite(*part, where, name);
    }
    if (!std::isfinite(c.base_weight) || !std::isfinite(c.score_bias) || !std::isfinite(c.gate_bias)) {
      throw Error(ErrorKind::kFormat, where, "campaign '" + name + "': a value is not finite");
    }
  }
  return campaigns;
}

void write_with_campaigns(const ModelFile& base, const std::vector<CampaignModel>& campaigns,
                          const std::string& out) {
  ModelFileWriter writer;
  for (const auto& [key, value] : base.metadata()) {
    if (key != kCampaignsMetadataKey) writer.set_metadata(key, value);
  }
  writer.add_tensors_of(base, [](const Tensor& t) { return t.name.rfind("campaign.", 0) != 0; });
  if (!campaigns.empty()) writer.set_metadata(kCampaignsMetadataKey, campaigns_json(campaigns));
  for (std::size_t k = 0; k < campaigns.size(); ++k) campaigns[k].add_tensors(writer, k);
  writer.write(out);
}

}  // namespace sieve::infer
