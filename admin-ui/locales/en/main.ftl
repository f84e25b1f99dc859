# unionfed public pages: English (the reference catalog; every other
# language must have every key of this file).

language-name = English
site-title = Union help for migrant workers
skip-to-content = Skip to content
choose-language = Language
change-language = Change

home-heading = How can the union help you?
home-card = Check a membership card
home-complaint = Tell us about a problem at work
home-follow = Follow my case
home-privacy = We do not record who you are or where you write from. You can stay anonymous.

card-heading = Check a membership card
card-label = Card code (starts with UF1:)
card-hint = Scan the QR code on the card, or copy the text under it into this box.
card-submit = Check the card
card-valid = This card is valid.
card-invalid = This card is not valid.
card-issuer = Issued by
card-holder = Name on the card
card-status = Membership
card-representing = Represented here by
card-nobody = nobody yet
card-problems = Why
card-again = Check another card
status-active = active
status-suspended = suspended
status-lapsed = lapsed
status-revoked = revoked
status-unknown = unknown

complaint-heading = Tell us about a problem at work
complaint-intro = Only the union reads this. You do not have to give your name.
complaint-kind = Do you have a question, or a complaint?
kind-inquiry = A question
kind-complaint = A complaint
complaint-categories = What is it about? Choose all that fit.
complaint-risk = Are you in danger now?
complaint-description = What happened? Write in your own words and your own language.
complaint-employer = Employer or agency (if you want)
complaint-country = Country where you work
complaint-name = Your name (leave empty to stay anonymous)
complaint-contact = Phone or messaging contact (leave empty if we must not contact you)
complaint-passphrase = A secret word (optional): we will ask for it with your code
complaint-submit = Send to the union
complaint-sent = Your message reached the union.
complaint-code = Your receipt code
complaint-keep = Write this code down or take a photo of it. With it you can follow your case and read our answers. We cannot give it to you again.
complaint-reference = Case reference
complaint-follow-now = Follow my case

follow-heading = Follow my case
follow-code = Receipt code (16 digits)
follow-passphrase = Secret word, if you chose one
follow-submit = Show my case
follow-status = Status
follow-handled-by = Handled across the border by
follow-messages = Messages
follow-from-union = Union
follow-from-you = You
follow-none = No messages yet.
follow-reply = Write to your case officer
follow-send = Send
follow-sent = Your message was sent.

case-status-new = received, waiting to be checked
case-status-verified = checked, the union will act
case-status-rejected = closed without action
case-status-in_progress = the union is acting on it
case-status-referred = passed to a service or union that can help
case-status-resolved = resolved
case-status-closed = closed

cat-unpaid_wages = Wages not paid
cat-underpaid_wages = Paid less than promised
cat-excessive_recruitment_fees = High recruitment fees or debt
cat-contract_substitution = The contract was changed
cat-document_retention = Passport or documents taken
cat-excessive_hours = Too many working hours
cat-no_rest_day = No day off
cat-unsafe_work_and_injury = Unsafe work or injury
cat-physical_or_sexual_abuse = Beaten, hurt or sexually abused
cat-harassment = Shouted at or harassed
cat-threats_of_denunciation = Threatened with police or deportation
cat-restricted_movement = Not allowed to go out
cat-isolation = Cut off from family or others
cat-abuse_of_vulnerability = Taken advantage of
cat-debt_bondage = Must work to pay a debt
cat-trafficking_indicators = Tricked or sold into this work
cat-social_security_and_compensation = Insurance or compensation
cat-unfair_dismissal = Dismissed unfairly
cat-other = Something else

risk-trafficking = I was tricked or sold, or cannot leave
risk-violence = Someone is hurting me
risk-detention = I am locked in or detained
risk-child_labour = A child is working
risk-health_emergency = I need a doctor now

error-heading = Something was not right
error-try-again = Go back and try again
error-not-found = We could not find a case with this code and secret word. Check the 16 digits.
error-too-many = Too many tries from here. Wait a minute and try again.
error-description = Please write what happened.
error-category = Please choose at least one topic.

card-problem-unreadable = The code could not be read. Scan it again or copy all of it.
card-problem-forged = The card's signature does not match any union of the federation. It may be forged.
card-problem-expired = The card has expired.
card-problem-unknown-member = The issuing union has no record of this membership here yet.
card-problem-changed = The name on the card does not match the union's record.
card-problem-status = The membership is not active.
error-country = Choose the country from the list.
country-choose = Choose a country
country-region = Countries of the region
country-others = Other countries

home-rights = Know your rights
rights-heading = Know your rights
rights-intro = Wherever you work, these rights are yours. The union can help you use them.
rights-choose = Country where you work
rights-show = Show
rights-wages-title = Wages
rights-wages = You must be paid the wage in your contract, in full and on time, with a payslip. Deductions need your agreement and must be written down. Keep a note of your hours and of every payment.
rights-documents-title = Your passport and documents
rights-documents = Your passport and work permit belong to you. Nobody, not your employer and not your agent, may keep them against your will. If they are taken, write down when and by whom, and tell the union.
rights-contracts-title = Your contract
rights-contracts = You must get a copy of your contract in a language you read before you leave home. The contract at work must be the one you signed. Take a photo of it and keep it safe: the union can compare it with your real work.
rights-help-title = Where to get help
rights-help = Unions of the federation in this country, and services that help migrant workers:
rights-unions = Unions
rights-services = Services
card-scan = Scan with the camera
