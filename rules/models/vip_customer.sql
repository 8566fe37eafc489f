-- Is the customer of this order a VIP, and of which tier? This example decides from the order
-- alone, so it runs anywhere, on the hub's own database. A real model asks the customer
-- database: make the first line "-- datasource: crm" and set switchboard.datasources.crm.jdbc-url,
-- then e.g.:  select lifetime_value >= 5000, tier from customer where email = :data.customer.email
select (:data.total)::numeric >= 1000 as vip,
       case when (:data.total)::numeric >= 5000 then 'platinum' else 'gold' end as tier
