DROP TABLE campaign_courses;
DROP TABLE campaign_rules;
DROP TABLE campaigns;
