#pragma once
// Fine-tuning: starting a model from an exported model.sieve. Parameters are copied by name and shape;
// heads by head name, so a run may add a head (a new campaign's label) beside the ones it keeps.
// Pretraining: starting the feature tables from rows learned on unlabelled text (`sieve embed train`).

#include <string>
#include <vector>

#include "sieve/datasets/embedding_file.h"
#include "sieve/models/classifier.h"

namespace sieve::train {

// Copies the weights of the model file at path into model. Throws Error(kFormat, path) when the file's
// architecture, widths or tokenizer (table and vocabulary sizes) differ from model's. Returns, per head of
// model, whether it came from the file (false: a new head, left at its initial zero weights).
std::vector<bool> load_initial_weights(models::Classifier& model, const std::string& path);

// Copies the rows of an embeddings file, times scale, into the model's feature tables: every row of the bag
// table, and the subword rows (the first vocab_size) of cnn's subword table. Throws Error(kFormat, path) for
// a file made for another table than shards (rows, tokenizer, normalizer or hashing differ) and
// Error(kConfig, "train.init_embeddings") when the model has no bag table or its model.dim is not the
// file's width.
void load_initial_embeddings(models::Classifier& model, const datasets::TableIdentity& shards,
                             const std::string& path, double scale = 1.0);

// Leaves only the heads marked trainable (per head of model) trainable: the shared layers and the other
// heads keep their weights, so the outputs of the other heads cannot change.
void freeze_all_but(models::Classifier& model, const std::vector<bool>& trainable_heads);

}  // namespace sieve::train
