-- The identity provider's own database beside the service's (first start of the volume only).
create database keycloak;
