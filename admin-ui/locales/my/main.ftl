# unionfed အများသုံးစာမျက်နှာများ: မြန်မာဘာသာ

language-name = မြန်မာဘာသာ
site-title = ရွှေ့ပြောင်းအလုပ်သမားများအတွက် သမဂ္ဂအကူအညီ
skip-to-content = အကြောင်းအရာသို့ ကျော်သွားရန်
choose-language = ဘာသာစကား
change-language = ပြောင်းရန်

home-heading = သမဂ္ဂက သင့်ကို ဘယ်လိုကူညီနိုင်မလဲ။
home-card = အသင်းဝင်ကတ်ကို စစ်ဆေးရန်
home-complaint = အလုပ်ခွင်ပြဿနာကို ပြောပြရန်
home-follow = ကျွန်ုပ်၏အမှုကို စောင့်ကြည့်ရန်
home-privacy = သင်ဘယ်သူလဲ၊ ဘယ်ကရေးသလဲဆိုတာ ကျွန်ုပ်တို့ မှတ်တမ်းမတင်ပါ။ အမည်မဖော်ဘဲ နေနိုင်ပါသည်။

card-heading = အသင်းဝင်ကတ်ကို စစ်ဆေးရန်
card-label = ကတ်ကုဒ် (UF1: ဖြင့် စသည်)
card-hint = ကတ်ပေါ်ရှိ QR ကုဒ်ကို စကင်ဖတ်ပါ၊ သို့မဟုတ် ၎င်းအောက်ရှိ စာသားကို ဤအကွက်ထဲ ကူးထည့်ပါ။
card-submit = ကတ်ကို စစ်ဆေးရန်
card-valid = ဤကတ်သည် တရားဝင်ပါသည်။
card-invalid = ဤကတ်သည် တရားမဝင်ပါ။
card-issuer = ထုတ်ပေးသူ
card-holder = ကတ်ပေါ်ရှိ အမည်
card-status = အသင်းဝင်အခြေအနေ
card-representing = ဤနေရာတွင် ကိုယ်စားပြုသူ
card-nobody = မရှိသေးပါ
card-problems = အကြောင်းရင်း
card-again = အခြားကတ်ကို စစ်ဆေးရန်
status-active = အသက်ဝင်
status-suspended = ဆိုင်းငံ့ထား
status-lapsed = သက်တမ်းကုန်
status-revoked = ရုပ်သိမ်းထား
status-unknown = မသိရ

complaint-heading = အလုပ်ခွင်ပြဿနာကို ပြောပြရန်
complaint-intro = သမဂ္ဂကသာ ဤစာကို ဖတ်ပါမည်။ သင့်အမည် ပေးစရာမလိုပါ။
complaint-kind = သင့်တွင် မေးခွန်း သို့မဟုတ် တိုင်ကြားချက် ရှိပါသလား။
kind-inquiry = မေးခွန်း
kind-complaint = တိုင်ကြားချက်
complaint-categories = ဘာအကြောင်းလဲ။ ကိုက်ညီသမျှ အားလုံးကို ရွေးပါ။
complaint-risk = သင် ယခု အန္တရာယ်ရှိနေပါသလား။
complaint-description = ဘာဖြစ်ခဲ့သလဲ။ သင့်ကိုယ်ပိုင်စကားနှင့် ဘာသာစကားဖြင့် ရေးပါ။
complaint-employer = အလုပ်ရှင် သို့မဟုတ် အေဂျင်စီ (လိုလျှင်)
complaint-country = သင်အလုပ်လုပ်သော နိုင်ငံ
complaint-name = သင့်အမည် (အမည်မဖော်လိုလျှင် ကွက်လပ်ထားပါ)
complaint-contact = ဖုန်း သို့မဟုတ် မက်ဆေ့ချ်ဆက်သွယ်ရန် (ကျွန်ုပ်တို့ မဆက်သွယ်ရလျှင် ကွက်လပ်ထားပါ)
complaint-passphrase = လျှို့ဝှက်စကားလုံး (မဖြစ်မနေမဟုတ်)။ သင့်ကုဒ်နှင့်အတူ ကျွန်ုပ်တို့ မေးပါမည်
complaint-submit = သမဂ္ဂသို့ ပို့ရန်
complaint-sent = သင့်စာသည် သမဂ္ဂသို့ ရောက်ရှိပါပြီ။
complaint-code = သင့်လက်ခံဖြတ်ပိုင်းကုဒ်
complaint-keep = ဤကုဒ်ကို ရေးမှတ်ထားပါ သို့မဟုတ် ဓာတ်ပုံရိုက်ထားပါ။ ၎င်းဖြင့် သင့်အမှုကို စောင့်ကြည့်ပြီး ကျွန်ုပ်တို့၏အဖြေကို ဖတ်နိုင်ပါသည်။ ကျွန်ုပ်တို့ ထပ်မံမပေးနိုင်ပါ။
complaint-reference = အမှုနံပါတ်
complaint-follow-now = ကျွန်ုပ်၏အမှုကို စောင့်ကြည့်ရန်

follow-heading = ကျွန်ုပ်၏အမှုကို စောင့်ကြည့်ရန်
follow-code = လက်ခံဖြတ်ပိုင်းကုဒ် (ဂဏန်း ၁၆ လုံး)
follow-passphrase = လျှို့ဝှက်စကားလုံး (ရွေးထားလျှင်)
follow-submit = ကျွန်ုပ်၏အမှုကို ပြရန်
follow-status = အခြေအနေ
follow-handled-by = နယ်စပ်တစ်ဖက်တွင် ကိုင်တွယ်နေသူ
follow-messages = စာများ
follow-from-union = သမဂ္ဂ
follow-from-you = သင်
follow-none = စာ မရှိသေးပါ။
follow-reply = သင့်အမှုတာဝန်ခံထံ စာရေးရန်
follow-send = ပို့ရန်
follow-sent = သင့်စာကို ပို့ပြီးပါပြီ။

case-status-new = လက်ခံရရှိပြီး၊ စစ်ဆေးရန် စောင့်ဆိုင်းနေသည်
case-status-verified = စစ်ဆေးပြီး၊ သမဂ္ဂက ဆောင်ရွက်ပါမည်
case-status-rejected = မဆောင်ရွက်ဘဲ ပိတ်လိုက်သည်
case-status-in_progress = သမဂ္ဂက ဆောင်ရွက်နေသည်
case-status-referred = ကူညီနိုင်သော ဝန်ဆောင်မှု သို့မဟုတ် သမဂ္ဂထံ လွှဲပြောင်းပြီး
case-status-resolved = ဖြေရှင်းပြီး
case-status-closed = ပိတ်ပြီး

cat-unpaid_wages = လုပ်ခ မပေးခြင်း
cat-underpaid_wages = ကတိထားသည်ထက် နည်းပေးခြင်း
cat-excessive_recruitment_fees = အလုပ်ရှာဖွေခ များခြင်း သို့မဟုတ် အကြွေး
cat-contract_substitution = စာချုပ် ပြောင်းလဲခြင်း
cat-document_retention = နိုင်ငံကူးလက်မှတ် သို့မဟုတ် စာရွက်စာတမ်း သိမ်းထားခြင်း
cat-excessive_hours = အလုပ်ချိန် အလွန်ရှည်ခြင်း
cat-no_rest_day = အနားယူရက် မရှိခြင်း
cat-unsafe_work_and_injury = မလုံခြုံသောအလုပ် သို့မဟုတ် ဒဏ်ရာ
cat-physical_or_sexual_abuse = ရိုက်နှက်ခြင်း၊ နာကျင်စေခြင်း သို့မဟုတ် လိင်ပိုင်းဆိုင်ရာ စော်ကားခြင်း
cat-harassment = အော်ဟစ်ခြင်း သို့မဟုတ် နှောင့်ယှက်ခြင်း
cat-threats_of_denunciation = ရဲ သို့မဟုတ် ပြည်နှင်ဒဏ်ဖြင့် ခြိမ်းခြောက်ခြင်း
cat-restricted_movement = အပြင်ထွက်ခွင့် မပေးခြင်း
cat-isolation = မိသားစု သို့မဟုတ် အခြားသူများနှင့် ဖြတ်တောက်ထားခြင်း
cat-abuse_of_vulnerability = အခွင့်ကောင်းယူခံရခြင်း
cat-debt_bondage = အကြွေးဆပ်ရန် အလုပ်လုပ်ရခြင်း
cat-trafficking_indicators = လိမ်လည်ခံရခြင်း သို့မဟုတ် ဤအလုပ်သို့ ရောင်းစားခံရခြင်း
cat-social_security_and_compensation = အာမခံ သို့မဟုတ် လျော်ကြေး
cat-unfair_dismissal = မတရား အလုပ်ထုတ်ခံရခြင်း
cat-other = အခြားကိစ္စ

risk-trafficking = ကျွန်ုပ် လိမ်လည်ခံရ သို့မဟုတ် ရောင်းစားခံရသည်၊ သို့မဟုတ် ထွက်ခွာ၍ မရပါ
risk-violence = တစ်စုံတစ်ယောက်က ကျွန်ုပ်ကို နာကျင်စေနေသည်
risk-detention = ကျွန်ုပ်ကို ပိတ်ထားသည် သို့မဟုတ် ထိန်းသိမ်းထားသည်
risk-child_labour = ကလေးတစ်ဦး အလုပ်လုပ်နေရသည်
risk-health_emergency = ကျွန်ုပ် ဆရာဝန် ယခုချက်ချင်း လိုအပ်သည်

error-heading = တစ်ခုခု မှားနေပါသည်
error-try-again = နောက်သို့ပြန်ပြီး ထပ်ကြိုးစားပါ
error-not-found = ဤကုဒ်နှင့် လျှို့ဝှက်စကားလုံးဖြင့် အမှုကို ရှာမတွေ့ပါ။ ဂဏန်း ၁၆ လုံးကို စစ်ဆေးပါ။
error-too-many = ဤနေရာမှ ကြိုးစားမှု များလွန်းပါသည်။ တစ်မိနစ်စောင့်ပြီး ထပ်ကြိုးစားပါ။
error-description = ဘာဖြစ်ခဲ့သလဲ ရေးပေးပါ။
error-category = အနည်းဆုံး ခေါင်းစဉ်တစ်ခု ရွေးပေးပါ။

card-problem-unreadable = ကုဒ်ကို ဖတ်၍မရပါ။ ထပ်မံစကင်ဖတ်ပါ သို့မဟုတ် အားလုံးကို ကူးယူပါ။
card-problem-forged = ကတ်၏လက်မှတ်သည် ဖက်ဒရေးရှင်းရှိ မည်သည့်သမဂ္ဂနှင့်မျှ မကိုက်ညီပါ။ အတုဖြစ်နိုင်သည်။
card-problem-expired = ကတ်သက်တမ်းကုန်သွားပါပြီ။
card-problem-unknown-member = ထုတ်ပေးသောသမဂ္ဂတွင် ဤအသင်းဝင်မှတ်တမ်း ဤနေရာ၌ မရှိသေးပါ။
card-problem-changed = ကတ်ပေါ်ရှိအမည်သည် သမဂ္ဂ၏မှတ်တမ်းနှင့် မကိုက်ညီပါ။
card-problem-status = အသင်းဝင်အခြေအနေ အသက်မဝင်ပါ။
error-country = နိုင်ငံကို အက္ခရာနှစ်လုံးဖြင့် ရေးပါ၊ ဥပမာ မလေးရှားအတွက် MY။
