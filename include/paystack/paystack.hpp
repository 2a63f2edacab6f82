// paystack/paystack.hpp: the whole public API.
#pragma once

#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/client_options.hpp>
#include <paystack/error.hpp>
#include <paystack/event.hpp>
#include <paystack/limits.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/rate_budget.hpp>
#include <paystack/refund.hpp>
#include <paystack/refund_client.hpp>
#include <paystack/response.hpp>
#include <paystack/settlement.hpp>
#include <paystack/settlement_client.hpp>
#include <paystack/terminal.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/transaction.hpp>
#include <paystack/transaction_client.hpp>
#include <paystack/transport.hpp>
#include <paystack/version.hpp>
#include <paystack/virtual_terminal.hpp>
#include <paystack/virtual_terminal_client.hpp>
#include <paystack/webhook.hpp>
#include <paystack/webhook_server.hpp>
