// The campaign simulator's fictional cast and the coordinated campaigns run against them.

#include "text.h"

namespace sieve::datasets::simulator_text {

// Campaigns name their targets by index into this list: append, never reorder.
const std::vector<Politician>& politicians() {
  static const std::vector<Politician> cast = {
      {"Eleanor Whitcombe",
       "Whitcombe",
       "惠特科姆",
       "EWhitcombePM",
       {"Prime Minister", "la première ministre", "总理"}},
      {"Gérard Lanthier",
       "Lanthier",
       "朗蒂埃",
       "GerardLanthier",
       {"Opposition Leader", "le chef de l'opposition", "反对党领袖"}},
      {"Fiona McAllister",
       "McAllister",
       "麦卡利斯特",
       "FionaMcAllister",
       {"Health Minister", "la ministre de la Santé", "卫生部长"}},
      {"Grace Tsang", "Tsang", "曾慧玲", "GraceTsangMP", {"MP", "la députée", "国会议员"}},
      {"Kevin Liang", "Liang", "梁启文", "KevinLiangMP", {"MP", "le député", "国会议员"}},
      {"Mathieu Brassard", "Brassard", "布拉萨尔", "MBrassardDepute", {"MP", "le député", "国会议员"}},
      {"Sophie Vallières",
       "Vallières",
       "瓦利埃",
       "SophieVallieres",
       {"Finance Minister", "la ministre des Finances", "财政部长"}},
      {"Patrick Holloway", "Holloway", "霍洛威", "PHollowayMP", {"MP", "le député", "国会议员"}},
      {"Daniel Hsu", "Hsu", "徐大年", "DanielHsuMP", {"MP", "le député", "国会议员"}},
      {"Annick Dufresne", "Dufresne", "杜弗雷纳", "AnnickDufresne", {"MP", "la députée", "国会议员"}},
      {"Derek Ashworth",
       "Ashworth",
       "阿什沃思",
       "DerekAshworthMP",
       {"Public Safety Minister", "le ministre de la Sécurité publique", "公共安全部长"}},
      {"Priya Raghunathan", "Raghunathan", "拉古纳坦", "PriyaRaghunathan", {"MP", "la députée", "国会议员"}},
      {"Hélène Carrier-Boisvert",
       "Carrier-Boisvert",
       "卡里耶-布瓦韦尔",
       "HCarrierBoisvert",
       {"MP", "la députée", "国会议员"}},
  };
  return cast;
}

namespace {

// One campaign per function: who is targeted, in which languages, how its accounts write, what they say.
// Templates are long fixed sentences with few slots, as copy-paste operations are.
Campaign offshore_fund() {
  Campaign c;
  c.name = "offshore_fund";
  c.targets = {0, 6};
  c.weight = 16;
  c.lang_weight = {4, 2, 4};
  c.machine_pct = 45, c.nonnative_pct = 25, c.insult_pct = 15, c.obfuscate_pct = 12;
  c.templates[kEn] = {
      {"{target} moved {amount} from the {fund} into a private account in {offshore} {time}. | Where is the "
       "investigation? | {cta}"},
      {"Nobody is talking about the {amount} that vanished from the {fund}. | {target} signed every transfer "
       "to {offshore}. | {cta}"},
      {"Leaked bank papers show {target} hid {amount} of taxpayer money in {offshore}. | The media stays "
       "silent. | {cta}"},
      {"{target} says the {fund} helps northern families. | The truth: {amount} went to {offshore} {time}. | "
       "{cta}"},
      {"{target} is a thief who robbed Canadians of {amount}. | Shameless liar, resign now! | {cta}", true}};
  c.templates[kFr] = {
      {"{target} a transféré {amount} du {fund} vers un compte privé à {offshore} {time}. | Où est "
       "l'enquête ? | {cta}"},
      {"Personne ne parle des {amount} disparus du {fund}. | {target} a signé chaque virement vers "
       "{offshore}. | {cta}"},
      {"Des documents bancaires montrent que {target} a caché {amount} d'argent public à {offshore}. | Les "
       "médias se taisent. | {cta}"},
      {"{target} est une voleuse qui a pris {amount} aux Canadiens. | Menteuse sans aucune honte ! | {cta}",
       true}};
  c.templates[kZh] = {
      {"{target}{time}把{fund}的{amount}转到了{offshore}的私人账户。|调查在哪里？|{cta}"},
      {"没有人谈论{fund}消失的{amount}。|{target}亲自签了每一笔转到{offshore}的钱。|{cta}"},
      {"泄露的银行文件显示，{target}把{amount}纳税人的钱藏在{offshore}。|媒体却一声不吭。|{cta}"},
      {"{target}说{fund}是为了北方家庭。|真相是：{time}{amount}流向了{offshore}。|{cta}"},
      {"{target}就是个小偷，偷了加拿大人{amount}！|无耻的骗子，滚下台！|{cta}", true}};
  c.slots[kEn] = {{"fund", {"Northern Renewal Fund", "Arctic Futures Fund"}},
                  {"offshore", {"the Caravelle Islands", "Montreno", "a Caravelle Islands shell company"}}};
  c.slots[kFr] = {{"fund", {"Fonds du renouveau nordique", "Fonds Avenir Arctique"}},
                  {"offshore", {"Montreno", "Port-Caravelle"}}};
  c.slots[kZh] = {{"fund", {"北方振兴基金", "北极未来基金"}}, {"offshore", {"卡拉维尔群岛", "蒙特雷诺"}}};
  c.hashtags = {Phrases{"#WhitcombeOut", "#FundScandal", "#cdnpoli"},
                Phrases{"#WhitcombeDémission", "#polcan"},
                Phrases{"#惠特科姆下台", "#北方基金丑闻", "#加拿大"}};
  return c;
}

Campaign mining_deal() {
  Campaign c;
  c.name = "mining_deal";
  c.targets = {1, 7};
  c.weight = 12;
  c.lang_weight = {5, 5, 0};
  c.machine_pct = 35, c.nonnative_pct = 35, c.insult_pct = 10, c.obfuscate_pct = 10;
  c.templates[kEn] = {
      {"{target} made a secret deal with {company}: | {amount} in donations for the mining rights near "
       "{town}. | {cta}"},
      {"Why did {target} meet {company} executives {time} behind closed doors? | Follow the money. | {cta}"},
      {"{company} paid {amount} and {target} promised them the land at {town}. | This is how they sell our "
       "country. | {cta}"},
      {"{target} is a sellout and a liar. | Pathetic little man. | {cta}", true}};
  c.templates[kFr] = {
      {"{target} a conclu une entente secrète avec {company} : | {amount} de dons contre les droits miniers "
       "près de {town}. | {cta}"},
      {"Pourquoi {target} a-t-il rencontré les patrons de {company} {time} en cachette ? | Suivez l'argent. "
       "| "
       "{cta}"},
      {"{company} a payé {amount} et {target} leur a promis les terres de {town}. | Voilà comment ils "
       "vendent "
       "notre pays. | {cta}"},
      {"{target}, vendu et menteur, tu n'as aucune honte ! | Pauvre minable. | {cta}", true}};
  c.slots[kEn] = {{"company", {"Halvern Mining", "Halvern Resources", "Grisdale Capital"}},
                  {"town", {"Fort Elkin", "Val-Corbeau", "Lac-Sainte-Ombeline"}}};
  c.slots[kFr] = {{"company", {"Mines Halvern", "Halvern Ressources", "Grisdale Capital"}},
                  {"town", {"Fort Elkin", "Val-Corbeau", "Lac-Sainte-Ombeline"}}};
  c.hashtags = {Phrases{"#HalvernDeal", "#LanthierLies", "#cdnpoli"},
                Phrases{"#ScandaleHalvern", "#polcan", "#polqc"}, Phrases{}};
  return c;
}

Campaign health_lies() {
  Campaign c;
  c.name = "health_lies";
  c.targets = {2};
  c.weight = 12;
  c.lang_weight = {5, 0, 5};
  c.machine_pct = 50, c.nonnative_pct = 20, c.insult_pct = 15, c.obfuscate_pct = 15;
  c.templates[kEn] = {
      {"{target} took {amount} from {pharma} and then approved their vaccine {time}. | Coincidence? | {cta}"},
      {"Nurses at the {clinic} say patients got sick after the new shots. | {target} hid the reports. | "
       "{cta}"},
      {"{target} lied about the side effects. | {pharma} paid for her silence. | {cta}"},
      {"Ask {target} why {pharma} got a {amount} contract without a tender. | {cta}"},
      {"{target} is a pharma puppet and a disgrace. | {cta}", true}};
  c.templates[kZh] = {{"{target}{time}收了{pharma}{amount}，然后就批准了他们的疫苗。|这是巧合吗？|{cta}"},
                      {"{clinic}的护士说，打了新疫苗以后病人都病了。|{target}把报告藏起来了。|{cta}"},
                      {"{target}在副作用问题上撒谎。|{pharma}花钱买她闭嘴。|{cta}"},
                      {"问问{target}，为什么{pharma}不经招标就拿到{amount}的合同？|{cta}"},
                      {"{target}就是制药公司的走狗，丢人现眼！|{cta}", true}};
  c.slots[kEn] = {{"pharma", {"Solvane Pharma", "Solvane"}},
                  {"clinic", {"Marrow Bay clinic", "Cedar Hollow health centre"}}};
  c.slots[kZh] = {{"pharma", {"索尔万制药", "索尔万公司"}}, {"clinic", {"马罗湾诊所", "雪松谷医疗中心"}}};
  c.hashtags = {Phrases{"#SolvaneFiles", "#McAllisterLied"}, Phrases{}, Phrases{"#疫苗真相", "#索尔万"}};
  return c;
}

Campaign traitor_tsang() {
  Campaign c;
  c.name = "traitor_tsang";
  c.targets = {3};
  c.weight = 14;
  c.lang_weight = {3, 0, 7};
  c.machine_pct = 40, c.nonnative_pct = 25, c.insult_pct = 30, c.obfuscate_pct = 15;
  c.templates[kEn] = {
      {"{target} is a traitor to her own community. | She took {amount} to speak for foreign interests. | "
       "{cta}",
       true},
      {"Ask {target} about her deal with {company} {time}. | She will never answer. | {cta}"},
      {"{target} collected {amount} at a fundraiser in {town}. | Where did that money come from? | {cta}"},
      {"{target}, you disgusting liar, everyone knows what you did. | {cta}", true}};
  c.templates[kZh] = {{"{target}是出卖华人的叛徒！|她{time}收了{amount}替外国势力说话。|{cta}", true},
                      {"{target}这种人根本不配当议员，丢尽了华人的脸。|{cta}", true},
                      {"大家看清楚{target}的真面目：|她和{company}的交易到底是什么？|{cta}"},
                      {"{target}{time}在{town}的募款晚宴收了{amount}，钱从哪里来？|{cta}"},
                      {"{target}，你这个无耻的骗子，早晚要被清算！|{cta}", true}};
  c.slots[kEn] = {{"company", {"Tarrow Logistics", "Grisdale Capital"}}, {"town", {"Marrow Bay"}}};
  c.slots[kZh] = {{"company", {"塔罗物流", "格里斯代尔资本"}}, {"town", {"马罗湾"}}};
  c.hashtags = {Phrases{"#TsangTraitor", "#cdnpoli"}, Phrases{},
                Phrases{"#曾慧玲", "#华人之耻", "#加拿大华人"}};
  return c;
}

Campaign brassard_land() {
  Campaign c;
  c.name = "brassard_land";
  c.targets = {5};
  c.weight = 10;
  c.lang_weight = {0, 10, 0};
  c.machine_pct = 30, c.nonnative_pct = 35, c.insult_pct = 20, c.obfuscate_pct = 10;
  c.templates[kFr] = {
      {"{target} a vendu les terrains de {town} à {company} pour {amount}. | Son beau-frère est actionnaire. "
       "| {cta}"},
      {"Le contrat de {amount} pour la nouvelle école de {town} ? | Donné sans appel d'offres à {company}, "
       "l'ami de {target}. | {cta}"},
      {"{target} a menti aux citoyens de {town} {time}. | Les documents sont clairs. | {cta}"},
      {"Qui a payé les rénovations du chalet de {target} ? | {company}, évidemment. | {cta}"},
      {"{target} est un escroc et un minable. | Dehors ! | {cta}", true}};
  c.slots[kFr] = {{"company", {"Aurelle Construction", "Construction Aurelle", "Béton Aurelle"}},
                  {"town", {"Lac-Sainte-Ombeline", "Val-Corbeau"}}};
  c.hashtags = {Phrases{}, Phrases{"#BrassardDémission", "#polqc", "#ScandaleAurelle"}, Phrases{}};
  return c;
}

Campaign liang_harass() {
  Campaign c;
  c.name = "liang_harass";
  c.targets = {4, 8};
  c.weight = 12;
  c.lang_weight = {3, 0, 7};
  c.machine_pct = 45, c.nonnative_pct = 20, c.insult_pct = 35, c.obfuscate_pct = 20;
  c.templates[kEn] = {
      {"{target} is a clown who sells lies for votes. | {cta}", true},
      {"{target} got {amount} from {company} {time}. | Now you know why he attacks us. | {cta}"},
      {"Voters in {town}, wake up: | {target} does not care about you. | {cta}"},
      {"{target} is a spineless puppet. | Shame on him! | {cta}", true}};
  c.templates[kZh] = {{"{target}整天抹黑祖国，吃里扒外的东西！|{cta}", true},
                      {"{target}又在国会作秀了，真恶心。|{cta}", true},
                      {"听说{target}{time}拿了{company}{amount}，这就是他反华的原因。|{cta}"},
                      {"{town}的选民们醒醒吧，{target}根本不在乎华人。|{cta}"},
                      {"{target}的助理在{town}被调查过，媒体为什么不报道？|{cta}"}};
  c.slots[kEn] = {{"company", {"Grisdale Capital", "Tarrow Logistics"}},
                  {"town", {"North Tamsworth", "Gullwick"}}};
  c.slots[kZh] = {{"company", {"格里斯代尔资本", "塔罗物流"}}, {"town", {"北塔姆斯沃斯", "古尔威克"}}};
  c.hashtags = {Phrases{"#LiangLies", "#cdnpoli"}, Phrases{}, Phrases{"#梁启文", "#徐大年", "#吃里扒外"}};
  return c;
}

Campaign vote_fraud() {
  Campaign c;
  c.name = "vote_fraud";
  c.targets = {0, 10};
  c.weight = 12;
  c.lang_weight = {4, 3, 3};
  c.machine_pct = 45, c.nonnative_pct = 25, c.insult_pct = 5, c.obfuscate_pct = 10;
  c.templates[kEn] = {
      {"Thousands of ballots in {town} were filled in by the same hand. | {target} knew and did nothing. | "
       "{cta}"},
      {"{target}'s team paid {amount} to buy votes in {town} {time}. | {cta}"},
      {"Voting machines in {town} were switched the night before. | Ask {target} who ordered it. | {cta}"}};
  c.templates[kFr] = {
      {"Des milliers de bulletins à {town} remplis par la même main. | {target} le savait et n'a rien fait. "
       "| "
       "{cta}"},
      {"L'équipe de {target} a payé {amount} pour acheter des votes à {town} {time}. | {cta}"},
      {"Les boîtes de scrutin de {town} ont disparu pendant deux heures. | Demandez à {target} pourquoi. | "
       "{cta}"}};
  c.templates[kZh] = {{"{town}几千张选票都是同一个人填的。|{target}明明知道却什么都不做。|{cta}"},
                      {"{target}的团队{time}花了{amount}在{town}买选票。|{cta}"},
                      {"{town}的投票箱消失了两个小时。|问问{target}是谁下的命令。|{cta}"}};
  c.slots[kEn] = {{"town", {"Port Aldridge", "Cedar Hollow"}}};
  c.slots[kFr] = {{"town", {"Port Aldridge", "Cedar Hollow"}}};
  c.slots[kZh] = {{"town", {"奥德里奇港", "雪松谷"}}};
  c.hashtags = {Phrases{"#StolenElection", "#cdnpoli"}, Phrases{"#ÉlectionVolée", "#polcan"},
                Phrases{"#选举舞弊", "#加拿大"}};
  return c;
}

Campaign family_villa() {
  Campaign c;
  c.name = "family_villa";
  c.targets = {0, 6};
  c.weight = 12;
  c.lang_weight = {4, 0, 6};
  c.machine_pct = 50, c.nonnative_pct = 20, c.insult_pct = 25, c.obfuscate_pct = 12;
  c.templates[kEn] = {
      {"While families line up at food banks, {target}'s husband bought a {amount} villa in {offshore}. | "
       "{cta}"},
      {"{target} flew her family to {offshore} on a government jet {time}. | Who paid? You did. | {cta}"},
      {"{target}'s brother got a {amount} contract from the {fund}. | Family first, Canadians last. | {cta}"},
      {"{target} and her greedy family are parasites. | {cta}", true}};
  c.templates[kZh] = {{"老百姓排队领食物，{target}的丈夫却在{offshore}买了{amount}的豪宅。|{cta}"},
                      {"{target}{time}用政府专机带全家去{offshore}度假。|谁买单？是你！|{cta}"},
                      {"{target}的弟弟从{fund}拿到了{amount}的合同。|家人优先，百姓靠边。|{cta}"},
                      {"{target}一家都是吸血鬼！|{cta}", true}};
  c.slots[kEn] = {{"offshore", {"Montreno", "the Caravelle Islands"}}, {"fund", {"Northern Renewal Fund"}}};
  c.slots[kZh] = {{"offshore", {"蒙特雷诺", "卡拉维尔群岛"}}, {"fund", {"北方振兴基金"}}};
  c.hashtags = {Phrases{"#VillaGate", "#WhitcombeOut"}, Phrases{}, Phrases{"#豪宅门", "#惠特科姆下台"}};
  return c;
}

}  // namespace

const std::vector<Campaign>& campaigns() {
  static const std::vector<Campaign> all = {offshore_fund(), mining_deal(),  health_lies(), traitor_tsang(),
                                            brassard_land(), liang_harass(), vote_fraud(),  family_villa()};
  return all;
}

}  // namespace sieve::datasets::simulator_text
